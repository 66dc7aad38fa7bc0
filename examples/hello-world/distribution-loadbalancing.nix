# For services.nix: HelloService runs on both machines; HelloWorldService binds to both
# replicas. The verbose form names the container explicitly.
{ infrastructure }:

{
  HelloService = [ infrastructure.test1 infrastructure.test2 ];
  HelloWorldService = {
    targets = [
      { target = infrastructure.test2; container = "process"; }
    ];
  };
  HelloWorld = [ infrastructure.test1 ];
}
