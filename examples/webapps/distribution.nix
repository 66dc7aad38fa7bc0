{ infrastructure }:

{
  webapp = [ infrastructure.test1 ];
  proxy = [ infrastructure.test1 ];
  status = [ infrastructure.test2 ];
}
