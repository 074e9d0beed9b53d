/**
 * @module Saves the progress table as a CSV file. The key goes in an Authorization header, so
 * the download is a fetch and a blob rather than a link (a link would put the key in a URL).
 */
export async function downloadProgressCsv(key: string): Promise<string | null> {
  try {
    const response = await fetch('/api/instructor/progress.csv', { headers: { authorization: `Bearer ${key}` } })
    if (!response.ok) return `Export failed (HTTP ${response.status})`
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'progress.csv'
    const url = URL.createObjectURL(await response.blob())
    const link = document.createElement('a')
    link.href = url
    link.download = name
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
    return null
  } catch (error) {
    return `Export failed (${(error as Error).message})`
  }
}
