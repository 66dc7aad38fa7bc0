{ infrastructure }:

{
  GeolocationService = {
    targets = [ { target = infrastructure.test1; container = "tomcat"; } ];
  };
  StaffService = [ infrastructure.test1 ];
  ZipcodeService = [ infrastructure.test1 ];
  RoomService = [ infrastructure.test2 ];
  StaffTracker = [ infrastructure.test2 ];
  rooms = [ ];
  staff = [ infrastructure.test2 ];
  zipcodes = "test2";
}
