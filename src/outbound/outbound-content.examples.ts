/**
 * The OpenAPI examples of the outbound document content endpoints: what the generators write for the
 * catalogue's sample `purchase-order.issued` (PO 4500012345), an 850 for acme-fasteners and a D.96A
 * ORDERS for nordic-castings, both as of 2026-11-27T10:02Z. `outbound-content.examples.spec.ts` writes
 * them again and compares, so the documented bytes are the gateway's.
 */

/** Interchange 17, group 17, set 0001; the envelope ids are the example's. */
export const X12_CONTENT_EXAMPLE =
  'ISA*00*          *00*          *ZZ*SUPPLIERGW     *ZZ*ACMEFAST       *261127*1002*U*00401*000000017*0*T*>~GS*PO*SUPPLIERGW*ACMEFAST*20261127*1002*17*X*004010~ST*850*0001~BEG*00*SA*4500012345**20250303~CUR*BY*USD~REF*PP*0~PER*BD*Dana Whitfield*EM*buyer@example.com~FOB*DF*ZZ*Cleveland, OH*01*FCA~ITD************2% 10 net 30~DTM*097*20250303*1900*UT~N1*ST**92*MFGCO DETROIT DOCK 2~PO1*10*10000*PC*0.0425**BP*100-20455*VP*AF-HHCS-M8X25-ZP~CTP**UCP*4.25*100*PC~PID*F****hex bolt M8x25, zinc plated~SCH*5000*PC***002*20250321******1~SCH*5000*PC***002*20250404******2~CTT*1~SE*16*0001~GE*1*17~IEA*1*000000017~';

/** Interchange reference 12, message 1. */
export const EDIFACT_CONTENT_EXAMPLE =
  "UNA:+.? 'UNB+UNOC:3+SUPPLIERGW:ZZZ+7350000123457:14+261127:1002+12'UNH+1+ORDERS:D:96A:UN'BGM+220+4500012345+9'DTM+137:202503031900:203'DTM+4:20250303:102'FTX+AAB+++2% 10 net 30'RFF+PP:0'NAD+BY'CTA+PD+:Dana Whitfield'COM+buyer@example.com:EM'NAD+ST+SH100::92'CUX+2:USD:9'TOD+++FCA'LOC+1+:::Cleveland, OH'LIN+10'PIA+5+100-20455:BP'PIA+1+AF-HHCS-M8X25-ZP:SA'IMD+F++:::hex bolt M8x25, zinc plated'QTY+21:10000:PCE'PRI+AAA:4.25:::100:PCE'SCC+1'RFF+AAN:1'QTY+21:5000:PCE'DTM+2:20250321:102'SCC+1'RFF+AAN:2'QTY+21:5000:PCE'DTM+2:20250404:102'UNS+S'CNT+2:1'UNT+30+1'UNZ+1+12'";

/** Everything the examples were written with, for the spec. */
export const CONTENT_EXAMPLE_WRITTEN_AT = '2026-11-27T10:02:00Z';
