# The services' build functions. Outer header: intra-dependencies; inner header: the
# inter-dependencies Disnix passes in (see the Disnix manual).
{ system, pkgs }:

{
  HelloService = derivation {
    name = "hello-service";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" "echo hello > $out" ];
  };

  HelloWeb = { HelloService }: derivation {
    name = "hello-web";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" "echo ${HelloService.target.properties.hostname}:${toString HelloService.port} > $out" ];
  };
}
