# Two machines. test2 also runs MySQL, for the composition variant's database.
{
  test1 = {
    properties = {
      hostname = "test1";
    };
    containers.process = { };
    system = "x86_64-linux";
  };

  test2 = {
    properties = {
      hostname = "test2";
    };
    containers = {
      process = { };
      mysql-database = {
        mysqlPort = 3306;
        mysqlUsername = "root";
      };
    };
    numOfCores = 2;
    system = "x86_64-linux";
  };
}
