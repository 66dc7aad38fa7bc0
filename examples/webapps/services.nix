# Web applications behind a reverse proxy, shaped like Disnix's process-management examples:
# the proxy is a whole service made by a constructor from the nix-processmgmt checkout that
# sits beside the project (../../../nix-processmgmt, as those examples expect it).
#
# Where that checkout is not on this machine, the editor says so once (information) and checks
# everything else: `proxy` is then a service about which nothing else is known, which may still
# be mapped and depended on. To deploy here without the checkout, give it the stand-in:
#
#   dnx deploy -s services.nix -i infrastructure.nix -d distribution.nix \
#     --extra-params '{ nix-processmgmt = ./processmgmt-standin; }'
{
  pkgs,
  system,
  distribution,
  invDistribution,
  stateDir ? "/var",
  nix-processmgmt ? ../../../nix-processmgmt,
}:

let
  constructors = import "${nix-processmgmt}/examples/disnix/constructors.nix" {
    inherit pkgs stateDir;
  };

  applicationServices = {
    webapp = {
      name = "webapp";
      pkg = ./pkgs/webapp;
      port = 18301;
      type = "process";
    };

    status = {
      name = "status";
      pkg = { proxy }: ./pkgs/status;
      dependsOn = {
        inherit (infrastructureServices) proxy;
      };
      port = 18302;
      type = "process";
    };
  };

  infrastructureServices = rec {
    proxy = constructors.reverseProxy {
      name = "proxy";
      port = 18300;
      webapps = [ applicationServices.webapp ];
    };
  };
in
infrastructureServices // applicationServices
