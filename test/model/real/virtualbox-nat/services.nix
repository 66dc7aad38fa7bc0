{
  system,
  pkgs,
  distribution,
  invDistribution,
}:

let
  customPkgs = import ./pkgs { inherit pkgs system; };
in
rec {
  api = {
    name = "api";
    pkg = customPkgs.api;
    type = "process";
  };

  web = {
    name = "web";
    pkg = customPkgs.web;
    dependsOn = {
      inherit api;
    };
    type = "process";
  };
}
