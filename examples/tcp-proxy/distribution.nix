{ infrastructure }:

{
  hello_world_server = [ infrastructure.test1 ];
  disnix_tcp_proxy = [ infrastructure.test1 ];
  hello_world_client = [ infrastructure.test2 ];
}
