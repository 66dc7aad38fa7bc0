# The machines without preinstalled containers: services-with-containers.nix deploys Tomcat
# and MySQL as services of their own.
{
  test1.properties = { hostname = "test1"; mem = 4096; };
  test2 = {
    properties = { hostname = "test2"; mem = 8192; };
    containers.process = { };
  };
}
