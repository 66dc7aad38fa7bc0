# The cyclic variant: two services that know each other. connectsTo passes the other one to
# the build without ordering activation, so the cycle is allowed.
{ system, pkgs, distribution, invDistribution }:

let
  customPkgs = import ./pkgs { inherit system pkgs; };
in
rec {
  HelloWorldCycle1 = {
    name = "HelloWorldCycle1";
    pkg = customPkgs.HelloWorldCycle;
    connectsTo = {
      HelloWorldCycle = HelloWorldCycle2;
    };
    type = "process";
    port = 8091;
  };

  HelloWorldCycle2 = {
    name = "HelloWorldCycle2";
    pkg = customPkgs.HelloWorldCycle;
    connectsTo = {
      HelloWorldCycle = HelloWorldCycle1;
    };
    type = "process";
    port = 8092;
  };
}
