# The container-provider variant: Tomcat and MySQL are services too, and provide the
# containers the web services and databases are deployed into.
{ system, pkgs, distribution, invDistribution }@args:

let
  customPkgs = import ./pkgs { inherit system pkgs; };
in
import ./services.nix args // {
  tomcat = {
    name = "tomcat";
    pkg = customPkgs.tomcat;
    type = "process";
    providesContainers.tomcat-webapplication = {
      tomcatPort = 8080;
    };
  };

  mysql = {
    name = "mysql";
    pkg = customPkgs.mysql;
    type = "process";
    providesContainer = "mysql-database";
    mysqlPort = 3306;
    mysqlUsername = "staff";
  };
}
