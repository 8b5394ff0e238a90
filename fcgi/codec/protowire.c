/* protowire.c: protobuf wire-format writing (see protowire.h). */
#include "codec/protowire.h"

void protowire_put_varint(kapi_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    int n = 0;
    do {
        tmp[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v) tmp[n] |= 0x80;
        n++;
    } while (v);
    kapi_buf_put(b, tmp, (size_t)n);
}

void protowire_put_tag(kapi_buf *b, int num, int wire_type)
{
    protowire_put_varint(b, (uint64_t)num << 3 | (uint64_t)wire_type);
}

void protowire_put_len(kapi_buf *b, int num, const void *data, size_t n)
{
    protowire_put_tag(b, num, PROTOWIRE_LEN);
    protowire_put_varint(b, n);
    if (n) kapi_buf_put(b, data, n);
}
