# Two targets that are both this machine: the local client interface runs the agent here,
# each target with a state folder of its own. No SSH, no root.
{
  test1 = {
    properties = {
      hostname = "localhost";
    };
    containers.process = { };
    clientInterface = "disnix-run-activity";
  };

  test2 = {
    properties = {
      hostname = "localhost";
    };
    containers.process = { };
    numOfCores = 2;
    clientInterface = "disnix-run-activity";
  };
}
