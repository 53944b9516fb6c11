import { rm } from 'node:fs/promises';
import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../gateway/access-rules.js';
import type { As2HttpAnswer } from './as2-answer.js';
import { As2MdnReceiptService } from './as2-mdn-receipt.service.js';
import { spooledAs2Body } from './as2-raw-body.js';
import type { SpooledAs2Body } from './as2-spool.js';
import { As2ReceiveService } from './as2-receive.service.js';
import { MDN_EXAMPLE, MDN_EXAMPLE_CONTENT_TYPE } from './as2.examples.js';

const MDN_RESPONSE = {
  description:
    'The MDN (multipart/report, or multipart/signed around it), or empty for an asynchronous MDN. ' +
    `The example is an unsigned MDN; its Content-Type: \`${MDN_EXAMPLE_CONTENT_TYPE}\`.`,
  content: { 'multipart/report': { example: MDN_EXAMPLE } },
};

const DESCRIPTION =
  'An AS2 message (RFC 4130): the body is the S/MIME entity (signed, encrypted, compressed as the ' +
  "partnership requires), the outer MIME headers are the HTTP headers. Checked against the partner's " +
  'pinned certificates and policy, stored, then answered with the MDN: in this response, or posted ' +
  'to `Receipt-Delivery-Option` when the partner profile allows that URL (the response is then an ' +
  'empty 200; any other URL gets the MDN in this response, for a failed message too). A resend with ' +
  'the same Message-ID and payload gets the original MDN again; the same payload under a new ' +
  'Message-ID gets an MDN of its own (its Message-ID and MIC) and is not processed again. ' +
  'Problems with the message are answered 200 with a negative MDN disposition ' +
  '(authentication-failed, decryption-failed, integrity-check-failed, insufficient-message-security, ' +
  'decompression-failed, unexpected-processing-error; failed/Failure: unsupported MIC-algorithms). ' +
  'Only a request without Message-ID, AS2-From or AS2-To gets 400 `as2.missing-header`.';

/**
 * The AS2 receive endpoint. `@Public()`: AS2 partners authenticate by signing each message with a
 * certificate pinned in their profile (RFC 4130 §5), not with bearer tokens or API keys; the service
 * refuses what no pinned certificate verifies, and a per-partner URL only accepts that partner's AS2-From.
 */
@ApiTags('as2')
@Controller('as2')
export class As2Controller {
  constructor(
    private readonly receiver: As2ReceiveService,
    private readonly receipts: As2MdnReceiptService,
  ) {}

  @Post()
  @Public()
  @ApiOperation({ operationId: 'receiveAs2', summary: 'Receive an AS2 message', description: DESCRIPTION })
  @ApiConsumes('application/pkcs7-mime', 'multipart/signed', 'application/edi-x12', 'application/edifact')
  @ApiHeader({ name: 'AS2-From', required: true, example: 'ACME-AS2' })
  @ApiHeader({ name: 'AS2-To', required: true, example: 'SUPPLIERGW' })
  @ApiHeader({ name: 'Message-ID', required: true, example: '<msg-4711@acme>' })
  @ApiHeader({ name: 'Disposition-Notification-To', required: false, example: 'as2@acme.example' })
  @ApiHeader({
    name: 'Disposition-Notification-Options',
    required: false,
    example: 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
  })
  @ApiHeader({ name: 'Receipt-Delivery-Option', required: false, example: 'https://as2.acme.example/mdn' })
  @ApiBody({
    description: 'The S/MIME entity exactly as the AS2 software wrote it',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiOkResponse(MDN_RESPONSE)
  @ApiResponse({
    status: 400,
    description: 'Message-ID, AS2-From or AS2-To missing (problem+json `as2.missing-header`)',
  })
  @ApiResponse({ status: 413, description: 'Larger than AS2_MAX_MESSAGE_BYTES (problem+json)' })
  async receive(@Req() request: Request, @Res() response: Response): Promise<void> {
    send(
      response,
      await receiveSpooled(request, (spooled) =>
        this.receiver.receive({ headers: request.headers, body: bodyOf(request), spooled }),
      ),
    );
  }

  @Post('mdn/receipt')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'receiveAs2AsyncMdn',
    summary: 'Receive an asynchronous MDN for a message we sent',
    description:
      'Our receipt URL (the Receipt-Delivery-Option of AS2 messages to partners with asynchronous MDNs, ' +
      'RFC 4130 §7.3). The MDN is archived first, then joined to our message by its Original-Message-ID ' +
      "and verified like a synchronous one: signed by the partner's pinned certificate when we asked for " +
      'a signed MDN, our Message-ID, `processed`, our Received-content-MIC (which only an unsigned MDN may ' +
      'leave out, RFC 4130 §7.4.3); the AS2-From must be that ' +
      "partner's. An MDN that matches nothing, or that anyone could have sent, is archived and reported " +
      'to operators, never dropped. Answered 200 with an empty body in every case once stored (an MDN ' +
      'gets no MDN).',
  })
  @ApiConsumes('multipart/signed', 'multipart/report')
  @ApiHeader({ name: 'AS2-From', required: true, example: 'ACME-AS2' })
  @ApiHeader({ name: 'AS2-To', required: false, example: 'SUPPLIERGW' })
  @ApiBody({
    description: 'The MDN exactly as the partner wrote it (multipart/signed around a multipart/report)',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiOkResponse({ description: 'Stored (an empty body)', content: { 'text/plain': { example: '' } } })
  @ApiResponse({ status: 413, description: 'Larger than AS2_MAX_MESSAGE_BYTES (problem+json)' })
  async receiveMdn(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.receipts.receive({ headers: request.headers, body: bodyOf(request) });
    response.status(200).end();
  }

  @Post(':partnerId')
  @Public()
  @ApiOperation({
    operationId: 'receiveAs2ForPartner',
    summary: "Receive an AS2 message on a partner's own URL",
    description: `${DESCRIPTION} On this URL only the AS2-From of that partner is accepted.`,
  })
  @ApiParam({ name: 'partnerId', description: 'The partner id of the profile', example: 'acme-fasteners' })
  @ApiOkResponse(MDN_RESPONSE)
  @ApiResponse({
    status: 400,
    description: 'Message-ID, AS2-From or AS2-To missing (problem+json `as2.missing-header`)',
  })
  @ApiResponse({ status: 413, description: 'Larger than AS2_MAX_MESSAGE_BYTES (problem+json)' })
  async receiveForPartner(
    @Param('partnerId') partnerId: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    send(
      response,
      await receiveSpooled(request, (spooled) =>
        this.receiver.receive({
          headers: request.headers,
          body: bodyOf(request),
          spooled,
          routePartnerId: partnerId,
        }),
      ),
    );
  }
}

/** Runs the receive over the spooled body, then removes its work file (the archive has its copies). */
async function receiveSpooled(
  request: Request,
  receive: (spooled: SpooledAs2Body | undefined) => Promise<As2HttpAnswer>,
): Promise<As2HttpAnswer> {
  const spooled = spooledAs2Body(request);
  if (spooled) spooled.claimed = true;
  try {
    return await receive(spooled);
  } finally {
    if (spooled) await rm(spooled.path, { force: true });
  }
}

function bodyOf(request: Request): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function send(response: Response, answer: As2HttpAnswer): void {
  response.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  response.end(answer.body);
}
