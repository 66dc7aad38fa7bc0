{ infrastructure }:

{
  HelloService = [ infrastructure.test1 ]
  HelloWorldService = [ infrastructure.test2 ];
  HelloWorld = [ infrastructure.test1 ];
}
