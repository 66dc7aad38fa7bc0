// The service's WSDL, shaped like the one Axis2 generates for the Java class (names of
// messages, port type, binding and port as there; parameters as wrapped document/literal
// elements), from the operations table. Only the SOAP 1.1 binding: that is what is served.

import { escapeXml } from './envelope';
import { DWS_NAMESPACE, isArray, OPERATIONS, type SoapType } from './operations';

const XS_TYPES: Record<string, string> = { string: 'xs:string', int: 'xs:int', boolean: 'xs:boolean', attachment: 'xs:base64Binary' };

function element(name: string, type: SoapType): string {
  const base = type.replace('[]', '');
  const nillable = base === 'string' || base === 'attachment' ? ' nillable="true"' : '';
  return `<xs:element${isArray(type) ? ' maxOccurs="unbounded"' : ''} minOccurs="0" name="${name}"${nillable} type="${XS_TYPES[base]}"/>`;
}

/** The WSDL, with the service at `location`. */
export function wsdl(location: string): string {
  const schema = OPERATIONS.map(
    (op) =>
      `<xs:element name="${op.name}"><xs:complexType><xs:sequence>${op.params.map((p) => element(p.name, p.type)).join('')}</xs:sequence></xs:complexType></xs:element>` +
      `<xs:element name="${op.name}Response"><xs:complexType><xs:sequence>${element('return', op.returns)}</xs:sequence></xs:complexType></xs:element>`,
  ).join('');
  const messages = OPERATIONS.map((op) => `<wsdl:message name="${op.name}Request"><wsdl:part name="parameters" element="ns:${op.name}"/></wsdl:message><wsdl:message name="${op.name}Response"><wsdl:part name="parameters" element="ns:${op.name}Response"/></wsdl:message>`).join('');
  const fault = '<wsdl:fault message="ns:DisnixWebServiceException" name="DisnixWebServiceException"/>';
  const portType = OPERATIONS.map((op) => `<wsdl:operation name="${op.name}"><wsdl:input message="ns:${op.name}Request" wsaw:Action="urn:${op.name}"/><wsdl:output message="ns:${op.name}Response" wsaw:Action="urn:${op.name}Response"/>${fault}</wsdl:operation>`).join('');
  const binding = OPERATIONS.map(
    (op) =>
      `<wsdl:operation name="${op.name}"><soap:operation soapAction="urn:${op.name}" style="document"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output><wsdl:fault name="DisnixWebServiceException"><soap:fault use="literal" name="DisnixWebServiceException"/></wsdl:fault></wsdl:operation>`,
  ).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:ns="${DWS_NAMESPACE}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl" targetNamespace="${DWS_NAMESPACE}">` +
    `<wsdl:documentation>DisnixWebService</wsdl:documentation>` +
    `<wsdl:types><xs:schema attributeFormDefault="qualified" elementFormDefault="qualified" targetNamespace="${DWS_NAMESPACE}">` +
    `<xs:element name="DisnixWebServiceException"><xs:complexType><xs:sequence><xs:element minOccurs="0" name="DisnixWebServiceException" nillable="true" type="xs:anyType"/></xs:sequence></xs:complexType></xs:element>` +
    schema +
    `</xs:schema></wsdl:types>` +
    messages +
    `<wsdl:message name="DisnixWebServiceException"><wsdl:part name="parameters" element="ns:DisnixWebServiceException"/></wsdl:message>` +
    `<wsdl:portType name="DisnixWebServicePortType">${portType}</wsdl:portType>` +
    `<wsdl:binding name="DisnixWebServiceSoap11Binding" type="ns:DisnixWebServicePortType"><soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>${binding}</wsdl:binding>` +
    `<wsdl:service name="DisnixWebService"><wsdl:port name="DisnixWebServiceHttpSoap11Endpoint" binding="ns:DisnixWebServiceSoap11Binding"><soap:address location="${escapeXml(location)}"/></wsdl:port></wsdl:service>` +
    `</wsdl:definitions>`
  );
}
