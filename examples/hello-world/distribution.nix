{ infrastructure }:

{
  HelloService = [ infrastructure.test1 ];
  HelloWeb = [ infrastructure.test2 ];
}
