# Hello world as a composition of services: HelloWorld (the front end) asks HelloWorldService,
# which asks HelloService for the greeting.
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

  HelloWorldService = {
    name = "HelloWorldService";
    pkg = customPkgs.HelloWorldService;
    dependsOn = {
      inherit HeloService;
    };
    type = "process";
    port = 8082;
  };

  HelloWorld = {
    name = "HelloWorld";
    pkg = customPkgs.HelloWorld;
    dependsOn = {
      inherit HelloWorldService;
    };
    type = "process";
    port = 8080;
  };
}
