# For services-composition.nix: the database and its service on test2.
{ infrastructure }:

{
  HelloMySQLDB = [ infrastructure.test2 ];
  HelloDBService = [ infrastructure.test2 ];
  HelloWorldService = [ infrastructure.test1 ];
  HelloWorld = [ infrastructure.test1 ];
}
