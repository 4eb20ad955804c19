// Captures the files the app hands to the browser (jsdom has no URL.createObjectURL): the test
// gets each file's name, type and text as a user's browser would save it.
export interface CapturedDownload {
  name: string;
  type: string;
  text: string;
}

function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

export function captureDownloads(): { files: () => Promise<CapturedDownload[]>; restore: () => void } {
  const blobs = new Map<string, Blob>();
  const pending: Array<Promise<CapturedDownload>> = [];
  const original = {
    create: URL.createObjectURL,
    revoke: URL.revokeObjectURL,
    click: HTMLAnchorElement.prototype.click,
  };
  let n = 0;
  URL.createObjectURL = (blob: Blob) => {
    const url = `blob:test/${n++}`;
    blobs.set(url, blob);
    return url;
  };
  URL.revokeObjectURL = () => undefined;
  HTMLAnchorElement.prototype.click = function click(this: HTMLAnchorElement) {
    const blob = blobs.get(this.href);
    if (blob) {
      const name = this.download;
      pending.push(readBlob(blob).then((text) => ({ name, type: blob.type, text })));
    }
  };
  return {
    files: () => Promise.all(pending),
    restore: () => {
      URL.createObjectURL = original.create;
      URL.revokeObjectURL = original.revoke;
      HTMLAnchorElement.prototype.click = original.click;
    },
  };
}
