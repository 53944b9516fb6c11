/**
 * The OpenAPI examples of the token endpoint and the key set, made with the gateway's own signing code
 * path (ES256, `typ: at+jwt`, the kid the JWK thumbprint) by a throwaway key whose private half is
 * gone: the example token verifies against the example key set, so a reader can try a JWT library on
 * the pair. `oauth-examples.spec.ts` holds them to what `JwtAccessTokens` issues.
 */

/** Issued 2026-11-27T10:02:00Z for 600 s by issuer `https://gateway.example.com` to client `sgc_k3v7q2m4x6ab`. */
export const TOKEN_EXAMPLE = {
  access_token:
    'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjIyZ2ZxWjY1bHBVbk5ic0gtZ1dCT2VlN3VRdlFscHhFQk5OU3BEWXc2SWsifQ.eyJzY29wZSI6Im9yZGVyczpyZWFkIGFja25vd2xlZGdtZW50czp3cml0ZSIsImNsaWVudF9pZCI6InNnY19rM3Y3cTJtNHg2YWIiLCJzZ19raW5kIjoicGFydG5lciIsInNnX3BhcnRuZXIiOiJhY21lLWZhc3RlbmVycyIsImlzcyI6Imh0dHBzOi8vZ2F0ZXdheS5leGFtcGxlLmNvbSIsImF1ZCI6InN1cHBsaWVyLWdhdGV3YXktYXBpIiwic3ViIjoic2djX2szdjdxMm00eDZhYiIsImlhdCI6MTc5NTc3MzcyMCwiZXhwIjoxNzk1Nzc0MzIwLCJqdGkiOiI1ZjBjNmEwZS0zYjdkLTRmNTItOWExZS04YzJkNGI2ZjdhOTAifQ.8oVqf2tME4353eVHJKScN3okXxK4_UACzy6r5VmYm--KzERkt32KyKL7EhYmrC8LxWV70iyi6GQ6kluGA83ovQ',
  token_type: 'Bearer',
  expires_in: 600,
  scope: 'orders:read acknowledgments:write',
};

export const JWKS_EXAMPLE = {
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      x: 'Jp9d0OO11L2yg_jJHjtkD_y2hOxWpECC1WFyzR5gOK4',
      y: '6_G5H0QLOZ5py7xYl39iEjoyRruwqZNCPia8p8w3QXE',
      kid: '22gfqZ65lpUnNbsH-gWBOee7uQvQlpxEBNNSpDYw6Ik',
      alg: 'ES256',
      use: 'sig',
    },
  ],
};

/** The issuer and audience the example token names (the audience is OAUTH_AUDIENCE's default). */
export const TOKEN_EXAMPLE_ISSUER = 'https://gateway.example.com';
