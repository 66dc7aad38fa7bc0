# The services' build functions. A service with inter-dependencies gets a function of them
# (the inner header); the editor never builds these, `dnx deploy` does, with real Nix.
{ system, pkgs }:

let
  greeter = name: script: derivation {
    inherit name system;
    builder = "/bin/sh";
    args = [ "-c" script ];
  };
in
{
  HelloService = greeter "hello-service" "echo hello > $out";

  HelloMySQLDB = greeter "hello-mysql-db" "echo 'create table greeting (text varchar(32));' > $out";

  HelloDBService = { HelloMySQLDB }:
    greeter "hello-db-service" "echo ${HelloMySQLDB.target.properties.hostname} > $out";

  HelloWorldService = { HelloService }:
    greeter "hello-world-service" "echo ${HelloService.target.properties.hostname}:${toString HelloService.port} > $out";

  HelloWorld = { HelloWorldService }:
    greeter "hello-world" "echo ${HelloWorldService.target.properties.hostname}:${toString HelloWorldService.port} > $out";

  HelloWorldCycle = { HelloWorldCycle }:
    greeter "hello-world-cycle" "echo ${HelloWorldCycle.target.properties.hostname} > $out";
}
