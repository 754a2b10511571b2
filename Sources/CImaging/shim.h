#ifndef TANBA_CIMAGING_SHIM_H
#define TANBA_CIMAGING_SHIM_H
// libpng 1.6 and libjpeg-turbo (Debian's libpng-dev, libjpeg62-turbo-dev) for Swift: only TanbaBarcode imports it.
//
// libpng is called from Swift through its simplified API (png_image_*), which catches its own errors. libjpeg reports
// an error by calling error_exit, which must not return: the only way out is longjmp, and Swift cannot setjmp. So
// every libjpeg call sequence lives in one C function below that sets the jump point, runs libjpeg, and returns 0 or
// a non-zero status with libjpeg's message. No libjpeg object outlives one of these calls.
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <png.h>
#include <jpeglib.h>

struct tanba_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

struct tanba_jpeg_progress {
    struct jpeg_progress_mgr pub;
    int maxScans;
};

static void tanba_jpeg_error_exit(j_common_ptr cinfo) {
    struct tanba_jpeg_error *error = (struct tanba_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->message);
    longjmp(error->jump, 1);
}

// libjpeg papers over corrupt data (a truncated file, a bad Huffman code) with a warning and grey pixels; here a
// warning is an error, as TurboJPEG's TJFLAG_STOPONWARNING has it. Trace messages (level > 0) are dropped.
static void tanba_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) tanba_jpeg_error_exit(cinfo);
}

// A progressive JPEG may declare thousands of scans, each a pass over the whole image (a CPU bomb in a small
// file); djpeg's -maxscans does the same.
static void tanba_jpeg_progress_monitor(j_common_ptr cinfo) {
    struct tanba_jpeg_progress *progress = (struct tanba_jpeg_progress *)cinfo->progress;
    if (!cinfo->is_decompressor || progress->maxScans <= 0) return;
    if (((j_decompress_ptr)cinfo)->input_scan_number > progress->maxScans) {
        struct tanba_jpeg_error *error = (struct tanba_jpeg_error *)cinfo->err;
        snprintf(error->message, JMSG_LENGTH_MAX, "more than %d progressive scans", progress->maxScans);
        longjmp(error->jump, 1);
    }
}

static inline void tanba_jpeg_install_errors(struct tanba_jpeg_error *error) {
    memset(error, 0, sizeof *error);
    jpeg_std_error(&error->pub);
    error->pub.error_exit = tanba_jpeg_error_exit;
    error->pub.emit_message = tanba_jpeg_emit_message;
}

/// Reads a JPEG's header only (no pixel memory): its size, components, colour space (J_COLOR_SPACE), and the size
/// of its output when decoded at 1/scaleDenom (libjpeg scales by 1/1, 1/2, 1/4, 1/8 in the DCT, cheaply).
/// Returns 0, or 1 with libjpeg's message.
static inline int tanba_jpeg_header(
    const unsigned char *data, unsigned long size, int scaleDenom, int *width, int *height, int *components,
    int *colorSpace, int *outputWidth, int *outputHeight, char *message, size_t messageSize)
{
    struct jpeg_decompress_struct cinfo;
    struct tanba_jpeg_error error;
    tanba_jpeg_install_errors(&error);
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = &error.pub;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        snprintf(message, messageSize, "%s", error.message);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    *components = cinfo.num_components;
    *colorSpace = (int)cinfo.jpeg_color_space;
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned int)scaleDenom;
    cinfo.out_color_space = JCS_GRAYSCALE;
    jpeg_calc_output_dimensions(&cinfo);
    *outputWidth = (int)cinfo.output_width;
    *outputHeight = (int)cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

/// Decodes a JPEG at 1/scaleDenom into `pixels` (width × height × 1 for grey, × 3 for RGB, rows top down), which the
/// caller sized from tanba_jpeg_header. libjpeg may use at most maxMemory bytes of its own. Returns 0; 1 with
/// libjpeg's message; 2 when the output is not the size announced.
static inline int tanba_jpeg_decode(
    const unsigned char *data, unsigned long size, int scaleDenom, int gray, int maxScans, long maxMemory,
    unsigned char *pixels, int width, int height, char *message, size_t messageSize)
{
    struct jpeg_decompress_struct cinfo;
    struct tanba_jpeg_error error;
    struct tanba_jpeg_progress progress;
    int components = gray ? 1 : 3;
    tanba_jpeg_install_errors(&error);
    memset(&cinfo, 0, sizeof cinfo);
    memset(&progress, 0, sizeof progress);
    progress.pub.progress_monitor = tanba_jpeg_progress_monitor;
    progress.maxScans = maxScans;
    cinfo.err = &error.pub;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        snprintf(message, messageSize, "%s", error.message);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.mem->max_memory_to_use = maxMemory;
    cinfo.progress = &progress.pub;
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned int)scaleDenom;
    cinfo.out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if ((int)cinfo.output_width != width || (int)cinfo.output_height != height
        || cinfo.output_components != components) {
        jpeg_destroy_decompress(&cinfo);
        snprintf(message, messageSize, "output size differs from the header's");
        return 2;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * (size_t)width * (size_t)components;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

/// Encodes grey (components 1) or RGB (3) pixels as a baseline JFIF JPEG with no other markers. On success
/// *output is a malloc'd buffer of *outputSize bytes the caller frees with free(). Returns 0, or 1 with the message.
static inline int tanba_jpeg_encode(
    const unsigned char *pixels, int width, int height, int components, int quality, unsigned char **output,
    unsigned long *outputSize, char *message, size_t messageSize)
{
    struct jpeg_compress_struct cinfo;
    struct tanba_jpeg_error error;
    tanba_jpeg_install_errors(&error);
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = &error.pub;
    *output = NULL;
    *outputSize = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(*output);
        *output = NULL;
        *outputSize = 0;
        snprintf(message, messageSize, "%s", error.message);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, output, outputSize);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width * (size_t)components);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 0;
}

// Integer macros of libpng's simplified API, typed for Swift.
static inline unsigned int tanba_png_image_version(void) { return PNG_IMAGE_VERSION; }
static inline unsigned int tanba_png_format_gray(void) { return PNG_FORMAT_GRAY; }
static inline unsigned int tanba_png_format_rgb(void) { return PNG_FORMAT_RGB; }
static inline unsigned int tanba_png_format_rgba(void) { return PNG_FORMAT_RGBA; }
static inline unsigned int tanba_png_format_flag_alpha(void) { return PNG_FORMAT_FLAG_ALPHA; }
static inline unsigned int tanba_png_format_flag_color(void) { return PNG_FORMAT_FLAG_COLOR; }

#endif
