{ infrastructure }:

{
  web = [ infrastructure.vm1 ];
  api = [ infrastructure.vm2 ];
}
