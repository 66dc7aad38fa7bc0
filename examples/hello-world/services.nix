# A hello-world web service composition: a greeting service and a web front end that calls it.
{ system, pkgs, distribution, invDistribution }:

let
  customPkgs = import ./pkgs { inherit system pkgs; };
in
rec {
  HelloService = {
    name = "HelloService";
    pkg = customPkgs.HelloService;
    type = "process";
    port = 8081;
  };

  HelloWeb = {
    name = "HelloWeb";
    pkg = customPkgs.HelloWeb;
    dependsOn = {
      inherit HelloService;
    };
    type = "process";
    port = 8080;
  };
}
