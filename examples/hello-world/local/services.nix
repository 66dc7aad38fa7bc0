# Hello world with packages that are plain folders: deployable without Nix, which is how
# `npm run demo` deploys it to targets on this machine. Each service is a small Node.js HTTP
# server. A plain folder is not built, so it cannot have its dependency's address written into
# it as a Nix build would (../pkgs/default.nix): each program knows its upstream's port.
{ system, pkgs, distribution, invDistribution }:

rec {
  HelloService = {
    name = "HelloService";
    pkg = ./pkgs/hello-service;
    type = "process";
    port = 18081;
  };

  HelloWorldService = {
    name = "HelloWorldService";
    pkg = { HelloService }: ./pkgs/hello-world-service;
    dependsOn = {
      inherit HelloService;
    };
    type = "process";
    port = 18082;
  };

  HelloWorld = {
    name = "HelloWorld";
    pkg = { HelloWorldService }: ./pkgs/hello-world;
    dependsOn = {
      inherit HelloWorldService;
    };
    type = "process";
    port = 18080;
  };
}
