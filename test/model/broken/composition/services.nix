# A server behind a TCP proxy. The proxy (a wrapper service) drains connections while the
# server is upgraded; the client is a package installed on test2 that connects through the
# proxy, which it receives under the server's name.
{ system, pkgs, distribution, invDistribution }:

let
  customPkgs = pkgs.customPkgs;
  ports = { hello_world_server = 3000; disnix_tcp_proxy = 3001; };
in
rec {
  monitor = {
    name = "monitor";
    pkg = null;
    type = "echo";
    connectsTo = { inherit hello_world_server; };
  };

  hello_world_server = {
    name = "hello_world_server";
    pkg = customPkgs.hello_world_server { port = ports.hello_world_server; };
    type = "process";
    port = ports.hello_world_server;
    activatesAfter = {
      inherit disnix_tcp_proxy;
    };
    requiresUniqueIdsFor = [ "ports" ];
  };

  disnix_tcp_proxy = {
    name = "disnix_tcp_proxy";
    pkg = customPkgs.disnix_tcp_proxy { port = ports.disnix_tcp_proxy; };
    dependsOn = {
      inherit hello_world_server hello_world_client;
    };
    type = "wrapper";
    port = ports.disnix_tcp_proxy;
  };

  hello_world_client = {
    name = "hello_world_client";
    pkg = customPkgs.hello_world_client;
    dependsOn = {
      hello_world_server = disnix_tcp_proxy;
    };
    type = "package";
  };
}
