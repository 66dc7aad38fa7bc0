# Two VirtualBox machines behind NAT, as example infrastructures give them: both at the
# host's address, each reached through its own forwarded SSH port (deploy with
# DISNIX_TARGET_PROPERTY=sshTarget).
{
  vm1 = {
    properties = {
      hostname = "10.0.2.2";
      sshTarget = "localhost:2222";
    };
    containers.process = { };
  };

  vm2 = {
    properties = {
      hostname = "10.0.2.2";
      sshTarget = "localhost:2223";
    };
    containers.process = { };
  };
}
