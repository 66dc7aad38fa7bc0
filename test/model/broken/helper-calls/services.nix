# A typo in a helper's argument ("RoomServic") is reported where the helper is called, and one in
# the helper itself at each call, each naming the helper's place.
{ system, pkgs, distribution, invDistribution }:

let
  customPkgs = import ./pkgs { inherit system pkgs; };
  database = name: {
    inherit name;
    pkg = customPkgs.${name};
    type = "mysql-databse";
    requireMem = 512;
  };
  webService = name: deps: {
    inherit name;
    pkg = customPkgs.${name};
    dependsOn = deps;
    type = "tomcat-webapplication";
    requireMem = 256;
  };
in
rec {
  rooms = database "rooms";
  staff = database "staff";
  zipcodes = database "zipcodes";

  GeolocationService = webService "GeolocationService" { };
  RoomService = webService "RoomServic" { inherit rooms; };
  StaffService = webService "StaffService" { inherit staff; };
  ZipcodeService = webService "ZipcodeService" { inherit zipcodes; };

  StaffTracker = webService "StaffTracker" {
    inherit GeolocationService RoomService StaffService ZipcodeService;
  };
}
