# Build functions for the staff tracker's services (built by `dnx deploy` with real Nix).
{ system, pkgs }:

let
  artifact = name: script: derivation {
    inherit name system;
    builder = "/bin/sh";
    args = [ "-c" script ];
  };
  database = name: artifact name "echo 'create table ${name} (id int);' > $out";
  webService = name: deps: artifact name "echo ${toString (map (d: d.target.properties.hostname) deps)} > $out";
in
{
  rooms = database "rooms";
  staff = database "staff";
  zipcodes = database "zipcodes";
  GeolocationService = artifact "GeolocationService" "echo geolocation > $out";
  RoomService = { rooms }: webService "RoomService" [ rooms ];
  StaffService = { staff }: webService "StaffService" [ staff ];
  ZipcodeService = { zipcodes }: webService "ZipcodeService" [ zipcodes ];
  StaffTracker = { GeolocationService, RoomService, StaffService, ZipcodeService }:
    webService "StaffTracker" [ GeolocationService RoomService StaffService ZipcodeService ];
  tomcat = artifact "tomcat" "echo tomcat > $out";
  mysql = artifact "mysql" "echo mysql > $out";
}
