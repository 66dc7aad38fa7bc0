# Hello world as a composition of services: HelloWorld (the front end) asks HelloWorldService,
# which asks HelloService for the greeting.
{ system, pkgs, distribution, invDistribution }:

let
  customPkgs = pkgs.customPkgs;
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
    dependOn = {
      inherit HelloService;
    };
    type = "process";
    port = 8082;
  };

  HelloWorld = {
    name = "HelloWord";
    pkg = customPkgs.HelloWorld;
    dependsOn = {
      inherit HelloWorldService;
    };
    type = "proces";
    deployStat = false;
    port = 8080;
  };
}
