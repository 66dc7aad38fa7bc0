# The `[` of HelloWorldService's targets is not closed: reported there, not over the whole
# file, and the missing `;` after HelloWorld's mapping is still reported.
{ infrastructure }:

{
  HelloService = [
    infrastructure.test1
    infrastructure.test2
  ];
  HelloWorldService = {
    targets = [
      {
        target = infrastructure.test2;
        container = "process";
      }
  };
  HelloWorld = [ infrastructure.test1 ]
  Extra = [ ];
}
