# Port assignments, from the range 3000-4000.
{
  hello_world_server = 3000;
  disnix_tcp_proxy = 3001;
}
