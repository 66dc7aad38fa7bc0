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
    containers.process = { };
    numOfCores = 2;
    system = "x86_64-linux";
  };
}
