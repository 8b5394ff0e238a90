/* conversion.h: the conversions of kinds served in another form than the
 * one stored (kapi_strategy's to_storage and from_storage). */
#ifndef KAPI_CONVERSION_H
#define KAPI_CONVERSION_H

#include <cjson/cJSON.h>

/* Sets apiVersion where the object has one (a list's items have none). */
void conversion_set_api_version(cJSON *obj, const char *api_version);

/* autoscaling/v1 HorizontalPodAutoscaler <-> the stored autoscaling/v2 (hpa_v1.c) */
void hpa_v1_to_storage(cJSON *hpa);
void hpa_v1_from_storage(cJSON *hpa);

/* events.k8s.io/v1 Event <-> the stored core/v1 Event (events_v1.c) */
void event_v1_to_storage(cJSON *ev);
void event_v1_from_storage(cJSON *ev);

#endif
