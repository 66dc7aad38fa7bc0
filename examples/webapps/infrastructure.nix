# Two targets that are both this machine, reached through the local client interface (no SSH,
# no root). test1 declares no containers, so Dysnomia's defaults apply there. test2 declares
# only its database server, not the `process` container that `status` is deployed into:
# Disnix accepts that (Dysnomia runs the module with no container properties), and so does
# the editor, with a hint.
{
  test1 = {
    properties = {
      hostname = "localhost";
    };
    clientInterface = "disnix-run-activity";
  };

  test2 = {
    properties = {
      hostname = "localhost";
    };
    containers = {
      mysql-database = {
        mysqlPort = 3306;
      };
    };
    clientInterface = "disnix-run-activity";
  };
}
