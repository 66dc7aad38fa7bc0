# A stand-in for the nix-processmgmt checkout that services.nix expects beside the project, so
# that the example deploys on a machine with neither that checkout nor Nix. Its packages are
# plain folders: they are not built, so each program knows its ports.
{ pkgs, stateDir }:

{
  reverseProxy =
    {
      name,
      port,
      webapps,
    }:
    {
      inherit name port;
      pkg = { ... }: ./reverse-proxy;
      dependsOn = builtins.listToAttrs (
        map (webapp: {
          inherit (webapp) name;
          value = webapp;
        }) webapps
      );
      type = "process";
    };
}
