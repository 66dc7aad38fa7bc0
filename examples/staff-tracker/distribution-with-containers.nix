# For services-with-containers.nix and infrastructure-bare.nix: each machine runs its own
# Tomcat, test2 also MySQL.
{ infrastructure }:

import ./distribution.nix { inherit infrastructure; } // {
  tomcat = [ infrastructure.test1 infrastructure.test2 ];
  mysql = [ infrastructure.test2 ];
}
