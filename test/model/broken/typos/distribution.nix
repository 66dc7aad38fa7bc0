{ infrastructure }:

{
  HelloService = [ infrastructure.test1 ];
  HelloWorldService = [ infrastructure.test2 ];
  HelloWorld = [ infrastructure.tset1 ];
  HelloWorldServices = [ infrastructure.test2 ];
}
