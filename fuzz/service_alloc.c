/* service_alloc.c: fuzzes the Service allocators' parsers
 * (admission/service_alloc.c), as a Service's spec.clusterIP(s) and the
 * range settings arrive: an IPv4 address (whose dotted form must parse
 * back to the same value), a CIDR (its canonical text parses back to the
 * same range) and a node port range. */
#include <assert.h>
#include <string.h>
#include "admission/service_alloc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    uint32_t ip, again;
    if (svc_ip_parse(text, &ip) == 0) {
        char s[16];
        svc_ip_string(ip, s);
        assert(svc_ip_parse(s, &again) == 0 && again == ip);
    }
    svc_range r, r2;
    if (svc_parse_cidr(text, &r) == 0) {
        assert(svc_parse_cidr(r.text, &r2) == 0 && r2.first == r.first && r2.size == r.size);
        svc_range_offset(&r, 0);
    }
    if (svc_parse_port_range(text, &r) == 0) {
        assert(r.size >= 1 && r.first >= 1 && r.first + r.size - 1 <= 65535);
        assert(svc_parse_port_range(r.text, &r2) == 0 && r2.first == r.first && r2.size == r.size);
        svc_range_offset(&r, 1);
    }
    free(text);
    return 0;
}
