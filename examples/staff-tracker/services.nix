# A three-tier staff tracker: three databases, four web services over them, and a web front
# end that uses all four.
{ system, pkgs, distribution, invDistribution }:

let
  customPkgs = import ./pkgs { inherit system pkgs; };
  database = name: {
    inherit name;
    pkg = customPkgs.${name};
    type = "mysql-database";
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
  RoomService = webService "RoomService" { inherit rooms; };
  StaffService = webService "StaffService" { inherit staff; };
  ZipcodeService = webService "ZipcodeService" { inherit zipcodes; };

  StaffTracker = webService "StaffTracker" {
    inherit GeolocationService RoomService StaffService ZipcodeService;
  };
}
