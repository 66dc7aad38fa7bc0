# A web server (test1) and a web and database server (test2).
{
  test1 = {
    properties = {
      hostname = "test1";
      supportedTypes = [ "process" "tomcat-webapplication" ];
      mem = 4096;
    };
    containers = {
      tomcat-webapplication = {
        tomcatPort = 8080;
      };
    };
  };

  test2 = {
    properties = {
      hostname = "test2";
      supportedTypes = [ "process" "tomcat-webapplication" "mysql-database" ];
      mem = 8192;
    };
    containers = {
      tomcat-webapplication = {
        tomcatPort = 8080;
      };
      mysql-database = {
        mysqlPort = 3306;
        mysqlUsername = "staff";
        # A secret kept out of the repository: unknown while editing, never an error.
        mysqlPassword = builtins.readFile ./secrets/mysql-password;
      };
    };
    numOfCores = 2;
  };
}
