{ pkgs, system }:

{
  api = pkgs.callPackage ./api.nix { };
  web = pkgs.callPackage ./web.nix { };
}
