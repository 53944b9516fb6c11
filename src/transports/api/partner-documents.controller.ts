import { Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../../gateway/access-rules.js';
import { CurrentPrincipal } from '../../gateway/current-principal.decorator.js';
import { actingPartner, type PartnerPrincipal, type Principal } from '../../gateway/principal.js';
import { DocumentSubmissionService } from './document-submission.service.js';
import { PartnerApiError, PartnerApiErrorCode } from './partner-api.exception.js';
import { parsePartnerDocument } from './partner-document.mapper.js';
import { acknowledgmentOf, PartnerDocumentsRepository } from './partner-documents.repository.js';
import { answerOrThrow, bodyOf, PROBLEM_RESPONSES, SUBMISSION_EXAMPLE } from './partner-http.js';
import { PARTNER_DOCUMENT_OPENAPI } from './schemas/openapi-schemas.js';
import {
  ACKNOWLEDGMENT_EDIFACT_EXAMPLE,
  ACKNOWLEDGMENT_EXAMPLE,
  ACKNOWLEDGMENT_X12_EXAMPLE,
  STATUS_EXAMPLE,
} from './schemas/partner-document.examples.js';
import { ApiPartnerAccessResponses } from '../../gateway/access-openapi.js';
import { ApiRequestContent } from '../../platform/http/openapi-bodies.js';

/**
 * Partner document submission over REST (X12, EDIFACT or partner JSON documents), with the status of
 * each receipt and the functional acknowledgment the intake built for it. Reads are scoped by the
 * caller's partner: another partner's interchange is answered 404, like one that does not exist.
 */
@ApiTags('partner documents')
@ApiBearerAuth()
@ApiPartnerAccessResponses()
@Controller('partner/v1/documents')
export class PartnerDocumentsController {
  constructor(
    private readonly submissions: DocumentSubmissionService,
    private readonly documents: PartnerDocumentsRepository,
  ) {}

  @Post()
  @Allow({ partner: ['documents:write'] })
  @ApiOperation({
    operationId: 'submitPartnerDocument',
    summary: 'Submit a document (raw X12, raw EDIFACT or a partner JSON document)',
    description:
      'The body is stored in the archive before anything answers. EDI is queued for the intake (202; the ' +
      'acknowledgment follows at …/acknowledgment); a JSON document is validated and becomes its canonical ' +
      'event at once (201). Text PostgreSQL cannot store — U+0000 (NUL) or an unpaired surrogate such as ' +
      '`"ACK\\u00001"` or `"\\ud83d"` — makes the document invalid: 422 `partner-api.invalid-document`, kept ' +
      'as a rejected interchange. The sender (ISA06/GS02, UNB sender, JSON `sender`) must be an identity of the ' +
      "caller's partner, else 422 `partner-api.sender-not-bound`. `Idempotency-Key`: the same key and body " +
      'get the original answer again; the same key with another body gets 422 `partner-api.idempotency-key-reused`.',
  })
  @ApiConsumes('application/json', 'application/edi-x12', 'application/edifact')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Your unique id of this submission (1-200 visible ASCII characters; a UUID is a good choice).',
    example: '5f0c7a52-3c1e-4f6a-9a0e-2b7d9c1e4a10',
  })
  @ApiBody({
    description: 'A partner JSON document (v1), or the EDI interchange exactly as your translator wrote it.',
  })
  @ApiRequestContent({
    'application/json': {
      schema: {
        oneOf: [
          PARTNER_DOCUMENT_OPENAPI.PurchaseOrderAcknowledgmentV1,
          PARTNER_DOCUMENT_OPENAPI.PurchaseOrderChangeAnswerV1,
          PARTNER_DOCUMENT_OPENAPI.ShipNoticeV1,
        ],
      },
      example: ACKNOWLEDGMENT_EXAMPLE,
    },
    'application/edi-x12': {
      schema: { type: 'string', description: 'A raw X12 interchange (ISA … IEA)' },
      example: ACKNOWLEDGMENT_X12_EXAMPLE,
    },
    'application/edifact': {
      schema: { type: 'string', description: 'A raw EDIFACT interchange (UNB … UNZ)' },
      example: ACKNOWLEDGMENT_EDIFACT_EXAMPLE,
    },
  })
  @ApiResponse({
    status: 201,
    description: 'JSON document stored and processed.',
    content: {
      'application/json': { example: { ...SUBMISSION_EXAMPLE, status: 'processed', format: 'json' } },
    },
  })
  @ApiResponse({
    status: 202,
    description: 'EDI interchange stored and queued for the intake.',
    content: { 'application/json': { example: SUBMISSION_EXAMPLE } },
  })
  @ApiResponse(PROBLEM_RESPONSES[400])
  @ApiResponse(PROBLEM_RESPONSES[403])
  @ApiResponse(PROBLEM_RESPONSES[415])
  @ApiResponse(PROBLEM_RESPONSES[422])
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    const answer = await this.submissions.submit({
      principal: principal as PartnerPrincipal,
      body: bodyOf(request),
      contentType,
      idempotencyKey,
      parseJson: parsePartnerDocument,
      route: 'POST /partner/v1/documents',
    });
    return answerOrThrow(answer, response);
  }

  @Get(':id')
  @Allow({ partner: ['documents:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    operationId: 'getPartnerDocument',
    summary: "A receipt's processing state",
    description:
      'received (queued), processing (intake accepted, translation pending), processed, rejected, failed, ' +
      'duplicate or quarantined, with the canonical events it produced. Only your own receipts are visible.',
  })
  @ApiParam({ name: 'id', description: 'The interchange id a submission answered', example: '4711' })
  @ApiOkResponse({ description: 'The receipt', content: { 'application/json': { example: STATUS_EXAMPLE } } })
  @ApiResponse(PROBLEM_RESPONSES[404])
  async status(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const found = await this.find(principal, id);
    const ack = acknowledgmentOf(found.answer);
    return {
      interchangeId: found.id,
      status: found.status,
      statusDetail: found.statusDetail,
      receivedAt: found.receivedAt,
      channel: found.channel,
      contentType: found.contentType,
      sha256: found.sha256,
      size: found.size,
      duplicateOf: found.duplicateOf,
      events: found.events,
      acknowledgment: {
        available: ack !== undefined,
        kinds: ack?.kinds ?? [],
        href: ack ? `/partner/v1/documents/${found.id}/acknowledgment` : null,
      },
    };
  }

  @Get(':id/acknowledgment')
  @Allow({ partner: ['documents:read'], roles: ['supplier-user', 'supplier-admin'] })
  @ApiOperation({
    operationId: 'getPartnerDocumentAcknowledgment',
    summary: 'The functional acknowledgment of a receipt (TA1 / 997 / 999 or CONTRL), as raw EDI',
    description:
      'What the intake answered the interchange: the bytes sent over SFTP, AS2 or pickup, in the encoding ' +
      'of the interchange it answers (not converted to UTF-8). The Content-Type names their charset: for X12 ' +
      'ISO-8859-1 (read byte for byte), UTF-8 (an ISA ended in a multi-byte UTF-8 terminator) or IBM037 ' +
      '(EBCDIC); for a CONTRL the one its UNB syntax identifier declares (UNOC ISO-8859-1, UNOD… ISO-8859-2 …, ' +
      'UNOW/UNOY UTF-8; UNOA/UNOB ISO-8859-1). Acknowledgments of one file written in different encodings ' +
      'come without a charset. 404 `partner-api.no-acknowledgment` while the intake has not run, and for JSON ' +
      'documents (the HTTP answer is their acknowledgment).',
  })
  @ApiParam({ name: 'id', description: 'The interchange id a submission answered', example: '4711' })
  @ApiProduces('application/edi-x12', 'application/edifact')
  @ApiOkResponse({
    description:
      'The acknowledgment interchange(s), e.g. `Content-Type: application/edi-x12; charset=ISO-8859-1`',
    content: {
      'application/edi-x12': {
        schema: { type: 'string', format: 'binary' },
        example:
          'ISA*00*          *00*          *ZZ*MFGCO          *ZZ*ACMEFAST       *261127*0901*U*00401*000000001*0*P*>~GS*FA*MFGCO*ACMEFAST*20261127*0901*1*X*004010~ST*997*0001~AK1*PR*101~AK9*A*1*1*1~SE*4*0001~GE*1*1~IEA*1*000000001~',
      },
      'application/edifact': {
        schema: { type: 'string', format: 'binary' },
        example:
          "UNB+UNOC:3+MFGCO+7350000123457:14+261127:0901+1'UNH+1+CONTRL:D:3:UN'UCI+77+7350000123457:14+MFGCO+7'UNT+3+1'UNZ+1+1'",
      },
    },
  })
  @ApiResponse(PROBLEM_RESPONSES[404])
  async acknowledgment(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res() response: Response,
  ): Promise<void> {
    const found = await this.find(principal, id);
    const ack = acknowledgmentOf(found.answer);
    if (!ack)
      throw new PartnerApiError(
        PartnerApiErrorCode.NoAcknowledgment,
        found.status === 'received'
          ? `interchange ${id} is queued; its acknowledgment follows once the intake has run`
          : `interchange ${id} has no functional acknowledgment`,
      );
    // Bytes, not a string: Express would send a string as UTF-8 (charset=utf-8) whatever it was written in.
    response.type(ack.contentType).send(ack.payload);
  }

  private async find(principal: Principal, id: string) {
    const partnerId = actingPartner(principal);
    const found = partnerId ? await this.documents.find(id, partnerId) : undefined;
    if (!found) throw new PartnerApiError(PartnerApiErrorCode.DocumentNotFound, `no document ${id}`);
    return found;
  }
}
