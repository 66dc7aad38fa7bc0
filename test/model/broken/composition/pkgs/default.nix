# Build functions for the proxy example (built by `dnx deploy` with real Nix).
{ system, pkgs }:

let
  artifact = name: script: derivation {
    inherit name system;
    builder = "/bin/sh";
    args = [ "-c" script ];
  };
in
{
  hello_world_server = { port }: artifact "hello-world-server" "echo ${toString port} > $out";
  disnix_tcp_proxy = { port }: { hello_world_server }:
    artifact "disnix-tcp-proxy" "echo ${toString port} ${hello_world_server.target.properties.hostname}:${toString hello_world_server.port} > $out";
  hello_world_client = { hello_world_server }:
    artifact "hello-world-client" "echo ${hello_world_server.target.properties.hostname}:${toString hello_world_server.port} > $out";
}
