import { randomBytes } from 'node:crypto';
import {
  Controller,
  Get,
  Param,
  Post,
  Render,
  Req,
  Res,
  UploadedFile,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../gateway/access-rules.js';
import { InterchangeArchive } from '../interchanges/interchange-archive.service.js';
import { PartnerRegistry } from '../partners/partner-registry.js';
import { explainDocument } from './edi-explain.js';
import {
  assertCsrf,
  CsrfInHandler,
  partnerOf,
  PortalGuard,
  PortalRoles,
  portalUser,
  SUPPLIER,
  type PortalRequest,
} from './portal-access.js';
import { PortalErrorFilter } from './portal-error.filter.js';
import { PortalError, PortalErrorCode } from './portal.exception.js';
import { PortalOrdersRepository } from './portal-orders.repository.js';
import { PortalSubmissions } from './portal-submissions.js';
import { flash, pageLocals, redirectAfterSave } from './portal-view.js';

/** Largest EDI file a portal user may upload (the partner API's limit). */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** How long the shown part of a document may be; the whole file is always downloadable. */
const MAX_SHOWN_CHARS = 512 * 1024;

/** X12 or EDIFACT by content, as the file says (its name and the browser's type say little). */
function mediaTypeOf(bytes: Buffer): string | undefined {
  const head = bytes
    .subarray(0, 64)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (head.startsWith('ISA')) return 'application/edi-x12';
  if (head.startsWith('UNA') || head.startsWith('UNB')) return 'application/edifact';
  return undefined;
}

/**
 * Uploading an EDI file by hand, and any of the partner's documents (received or sent to it) with its
 * processing result, its acknowledgment and its errors next to the segments that caused them.
 */
@ApiExcludeController()
@Public()
@UseGuards(PortalGuard)
@UseFilters(PortalErrorFilter)
@PortalRoles(...SUPPLIER)
@Controller('portal')
export class PortalDocumentsController {
  constructor(
    private readonly orders: PortalOrdersRepository,
    private readonly archive: InterchangeArchive,
    private readonly partners: PartnerRegistry,
    private readonly submissions: PortalSubmissions,
  ) {}

  @Get('uploads')
  @Render('uploads')
  async uploadsPage(@Req() request: PortalRequest) {
    const partnerId = partnerOf(request);
    return pageLocals(
      request,
      this.partners,
      { title: 'Upload an EDI file', nav: 'uploads' },
      {
        uploads: await this.orders.uploads(partnerId),
        maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024,
      },
    );
  }

  @Post('uploads')
  @CsrfInHandler()
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }))
  async upload(
    @Req() request: PortalRequest,
    @Res() response: Response,
    @UploadedFile() file: { buffer: Buffer; originalname: string; size: number } | undefined,
  ) {
    assertCsrf(request);
    const user = portalUser(request);
    partnerOf(request);
    if (!file || file.size === 0)
      throw new PortalError(PortalErrorCode.InvalidInput, 'Choose a file to upload.');
    const contentType = mediaTypeOf(file.buffer);
    if (!contentType)
      throw new PortalError(
        PortalErrorCode.InvalidInput,
        'This file is not X12 (starting with ISA) or EDIFACT (starting with UNA or UNB).',
      );
    const filename = file.originalname.replace(/[^\w.\- ]/g, '_').slice(0, 200);
    const answer = await this.submissions.submit(
      user,
      {
        body: file.buffer,
        contentType,
        // Each upload is its own receipt; the archive still recognises the same bytes sent twice.
        idempotencyKey: `portal-upload-${randomBytes(12).toString('hex')}`,
        route: 'portal upload',
        filename,
      },
      {
        action: 'portal.file-uploaded',
        target: { type: 'interchange', id: null },
        after: { filename, size: file.size },
      },
    );
    if ('problem' in answer) {
      flash(request, 'error', answer.problem.message);
      for (const detail of answer.problem.details) flash(request, 'error', detail);
      const id = /interchange (\d+)/.exec(answer.problem.message)?.[1];
      await redirectAfterSave(request, response, id ? `/portal/documents/${id}` : '/portal/uploads');
      return;
    }
    flash(request, 'info', `${filename} was received as document ${answer.body.interchangeId}.`);
    await redirectAfterSave(request, response, `/portal/documents/${answer.body.interchangeId}`);
  }

  @Get('documents/:id')
  @Render('document')
  async document(@Req() request: PortalRequest, @Param('id') id: string) {
    const partnerId = partnerOf(request);
    const document = await this.orders.document(partnerId, id);
    if (!document) throw new PortalError(PortalErrorCode.NotFound, `There is no document ${id} of yours.`);
    const bytes = await this.archive.payload(document.id);
    const text = bytes.toString('utf8');
    const explained = explainDocument(text.slice(0, MAX_SHOWN_CHARS), document.answer, document.contentType);
    const pending = document.status === 'received' || document.status === 'processing';
    return pageLocals(
      request,
      this.partners,
      { title: `Document ${document.id}`, nav: 'uploads' },
      {
        document,
        explained,
        truncated: text.length > MAX_SHOWN_CHARS,
        errorCount: explained.segments.reduce((n, s) => n + s.errors.length, 0) + explained.general.length,
        refreshSeconds: pending ? 3 : null,
        pending,
        rawHref: `/portal/documents/${document.id}/raw`,
        orders: [...new Set(document.events.map((e) => e.documentNumber))],
        poNumber: typeof document.metadata.poNumber === 'string' ? document.metadata.poNumber : null,
      },
    );
  }

  @Get('documents/:id/raw')
  async raw(@Req() request: PortalRequest, @Res() response: Response, @Param('id') id: string) {
    const partnerId = partnerOf(request);
    const document = await this.orders.document(partnerId, id);
    if (!document) throw new PortalError(PortalErrorCode.NotFound, `There is no document ${id} of yours.`);
    const bytes = await this.archive.payload(document.id);
    // Served as a download of plain bytes: never rendered as HTML, whatever the partner put in it.
    response.setHeader('Content-Type', 'application/octet-stream');
    response.setHeader('Content-Disposition', `attachment; filename="document-${document.id}.edi"`);
    response.send(bytes);
  }
}
