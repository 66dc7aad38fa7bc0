{ infrastructure }:

{
  GeolocationService = [ infrastructure.test1 ];
  StaffService = [ infrastructure.test1 ];
  ZipcodeService = [ infrastructure.test1 ];
  RoomService = [ infrastructure.test2 ];
  StaffTracker = [ infrastructure.test2 ];
  rooms = [ infrastructure.test2 ];
  staff = [ infrastructure.test2 ];
  zipcodes = [ infrastructure.test2 ];
}
