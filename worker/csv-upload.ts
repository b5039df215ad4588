import { ApiError } from "./errors";

/** A CSV request body as it arrives, not yet checked. */
export interface CsvRequest {
  contentType: string | undefined;
  contentLength: string | undefined;
  body: ReadableStream<Uint8Array> | null;
}

/** How much one kind of upload may hold, and what to do about a larger file. */
export interface CsvLimit {
  bytes: number;
  /** Said after "The file is larger than N MB: ". */
  advice: string;
}

/** A checked CSV body, its length when the client declared one, and how much of it may be read. */
export interface CsvUpload {
  stream: ReadableStream<Uint8Array>;
  declaredBytes?: number;
  limit: CsvLimit;
}

const tooLarge = (limit: CsvLimit) =>
  new ApiError(413, "payload_too_large", `The file is larger than ${limit.bytes / 1024 / 1024} MB: ${limit.advice}`);

/** 415 for another content type, 413 when the declared length is over the limit, 400 without a body. */
export function openCsv(request: CsvRequest, limit: CsvLimit): CsvUpload {
  if (!/^text\/csv\s*(;|$)/i.test(request.contentType ?? ""))
    throw new ApiError(415, "unsupported_media_type", "Send the file as the body with Content-Type: text/csv");
  const declaredBytes = request.contentLength && /^\d+$/.test(request.contentLength) ? Number(request.contentLength) : undefined;
  if (declaredBytes !== undefined && declaredBytes > limit.bytes) throw tooLarge(limit);
  if (!request.body) throw new ApiError(400, "empty_file", "The file is empty: send the CSV as the body");
  return { stream: request.body, declaredBytes, limit };
}

/**
 * The body decoded as UTF-8 as the bytes arrive: 413 past the limit. With `readAtMost` (a preview
 * reads the start only), the text ends there instead and the generator returns "cut".
 */
export async function* csvText(upload: CsvUpload, readAtMost?: number): AsyncGenerator<string, "whole" | "cut"> {
  const reader = upload.stream.getReader();
  const decoder = new TextDecoder();
  const maxBytes = readAtMost ?? upload.limit.bytes;
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        if (readAtMost === undefined) throw tooLarge(upload.limit);
        yield decoder.decode(value.subarray(0, value.byteLength - (bytes - maxBytes)), { stream: true });
        return "cut";
      }
      yield decoder.decode(value, { stream: true });
    }
    // Fewer bytes than announced: the client went away (some runtimes end the stream instead of failing it).
    if (upload.declaredBytes !== undefined && bytes < upload.declaredBytes)
      throw new Error(`the body ended after ${bytes} of ${upload.declaredBytes} bytes`);
    yield decoder.decode();
    return "whole";
  } finally {
    reader.cancel().catch(() => {});
  }
}
