{
  test1 = {
    properties.hostname = "test1";
    containers.process = { };
    containers.wrapper = { };
  };
  test2 = {
    properties.hostname = "test2";
  };
}
