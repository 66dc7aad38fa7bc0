# Hello world built by real Nix without Nixpkgs, for a `dnx testnet`: each service is a
# derivation (builder /bin/sh) holding a small Node.js HTTP server, and each dependent gets its
# dependency's address written into it at build time, as Disnix passes inter-dependencies.
# The three services run on three hosts; asking HelloWorld crosses all of them.
{ system, pkgs, distribution, invDistribution }:

let
  # A package with one program, bin/<name>, made of a script.
  program = name: script: derivation {
    inherit name system;
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
    src = builtins.toFile "${name}.js" script;
    args = [ "-c" "mkdir -p $out/bin && cp $src $out/bin/${name} && chmod 555 $out/bin/${name}" ];
  };

  # A server answering with what `answer` (a JavaScript expression over `upstream`, the text its
  # upstream answered) evaluates to.
  server = name: port: upstream: answer: program name ''
    #!/usr/bin/env node
    const upstream = ${if upstream == null then "null" else "'${upstream}'"};
    require('node:http').createServer(async (req, res) => {
      try {
        const text = upstream === null ? "" : await (await fetch(upstream)).text();
        res.end(${answer});
      } catch (e) {
        res.statusCode = 502;
        res.end(upstream + ' did not answer: ' + (e.cause?.code ?? e.message));
      }
    }).listen(${toString port}, '0.0.0.0');
  '';

  addressOf = dep: "http://${dep.target.properties.hostname}:${toString dep.port}/";
in
rec {
  HelloService = {
    name = "HelloService";
    pkg = server "hello-service" 18081 null ''"Hello"'';
    type = "process";
    port = 18081;
  };

  HelloWorldService = {
    name = "HelloWorldService";
    pkg = { HelloService }: server "hello-world-service" 18082 (addressOf HelloService) ''text + " world"'';
    dependsOn = {
      inherit HelloService;
    };
    type = "process";
    port = 18082;
  };

  HelloWorld = {
    name = "HelloWorld";
    pkg = { HelloWorldService }: server "hello-world" 18080 (addressOf HelloWorldService) ''text + "!\n"'';
    dependsOn = {
      inherit HelloWorldService;
    };
    type = "process";
    port = 18080;
  };
}
