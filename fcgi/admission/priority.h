/* priority.h: the system PriorityClasses every cluster has (kube's
 * pkg/apis/scheduling SystemPriorityClasses), one table for the Priority
 * admission plugin (which knows them without reading the store), the
 * PriorityClass strategy (which reserves their names and values) and the
 * bootstrap that creates them. */
#ifndef KAPI_ADMISSION_PRIORITY_H
#define KAPI_ADMISSION_PRIORITY_H

#define HIGHEST_USER_DEFINABLE_PRIORITY 1000000000LL
#define SYSTEM_CRITICAL_PRIORITY (2 * HIGHEST_USER_DEFINABLE_PRIORITY)

typedef struct system_priority_class {
    const char *name;          /* "system-node-critical" */
    long long value;           /* 2000001000 */
    const char *description;
} system_priority_class;

/* The system classes, ended by an entry whose name is NULL. */
extern const system_priority_class system_priority_classes[];

/* The system class of that name, or NULL. */
const system_priority_class *system_priority_class_find(const char *name);

#endif
