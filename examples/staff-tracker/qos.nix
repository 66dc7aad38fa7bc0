# A QoS model for Dynamic Disnix (dnx gendist -q qos.nix): every service goes to a machine
# that supports its type, spread round robin.
{ services, infrastructure, initialDistribution, previousDistribution, filters, lib }:

let
  supported = filters.mapAttrOnList {
    inherit services infrastructure;
    distribution = initialDistribution;
    serviceProperty = "type";
    targetPropertyList = "supportedTypes";
  };
in
filters.divideRoundRobin {
  distribution = supported;
}
