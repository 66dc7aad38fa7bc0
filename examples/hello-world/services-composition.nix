# The composition variant: the greeting comes from a database. HelloWorldService still asks
# for a `HelloService`, and gets HelloDBService under that name (an alias in dependsOn).
{ system, pkgs, distribution, invDistribution }:

let
  customPkgs = import ./pkgs { inherit system pkgs; };
in
rec {
  HelloMySQLDB = {
    name = "HelloMySQLDB";
    pkg = customPkgs.HelloMySQLDB;
    type = "mysql-database";
  };

  HelloDBService = {
    name = "HelloDBService";
    pkg = customPkgs.HelloDBService;
    dependsOn = {
      inherit HelloMySQLDB;
    };
    type = "process";
    port = 8083;
  };

  HelloWorldService = {
    name = "HelloWorldService";
    pkg = customPkgs.HelloWorldService;
    dependsOn = {
      HelloService = HelloDBService;
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
