# One service per host of a three-host `dnx testnet`.
{ infrastructure }:

{
  HelloService = [ infrastructure.test1 ];
  HelloWorldService = [ infrastructure.test2 ];
  HelloWorld = [ infrastructure.test3 ];
}
